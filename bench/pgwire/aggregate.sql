SELECT count(*), sum(x) FROM t;
