SELECT * FROM t, LATERAL (SELECT * FROM u WHERE u.x = t.x LIMIT 1) AS l(x, y), generate_series(1, 10) AS s(n);
