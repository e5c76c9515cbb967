SELECT a, b FROM t GROUP BY GROUPING SETS ((a, b), a, ()), CUBE (c);
