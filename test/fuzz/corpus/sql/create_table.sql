CREATE TEMP TABLE IF NOT EXISTS s.t (
  id bigint PRIMARY KEY,
  name varchar(20) NOT NULL DEFAULT 'x',
  price numeric(10, 2) NULL UNIQUE,
  ts timestamp with time zone,
  tags text[],
  CONSTRAINT u UNIQUE (name, price)
);
