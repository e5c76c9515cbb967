UPDATE t AS x SET a = a + 1, b = DEFAULT FROM u WHERE x.id = u.id RETURNING *
