SELECT * FORM t; SELECT (1 + 2 FROM t; SELECT 'unterminated
