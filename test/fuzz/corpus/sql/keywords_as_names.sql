SELECT year, month, day, key, value, name, data, first, last, text, date FROM t data
