CREATE OR REPLACE VIEW v (a, b) AS SELECT x, y FROM t WHERE z /* keep */ > 1;
