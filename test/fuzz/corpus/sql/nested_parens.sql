SELECT ((((((1 + 2) * 3) - 4) / 5) ^ 6) % 7), (SELECT (SELECT (SELECT 1)))
