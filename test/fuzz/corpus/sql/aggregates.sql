SELECT string_agg(DISTINCT name, ', ' ORDER BY name), percentile_cont(0.5) WITHIN GROUP (ORDER BY x), count(*) FROM t
