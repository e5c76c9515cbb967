SELECT a, sum(b) FROM t GROUP BY ALL QUALIFY row_number() OVER (ORDER BY a) = 1
