SELECT * FROM 'data/*.csv' AS d WHERE d.x > 0
