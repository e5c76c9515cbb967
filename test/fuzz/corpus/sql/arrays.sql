SELECT ARRAY[1, 2, 3], ARRAY[[1, 2], [3, 4]], ARRAY(SELECT x FROM t), arr[1], arr[2:3], (1, 'a'), ROW(1, 2)
