SELECT region, count(*), sum(amount) FILTER (WHERE amount > 0)
FROM sales
GROUP BY ROLLUP (region, (year, month))
HAVING count(*) > 2;
