SELECT CAST(a AS numeric(15, 2)), TRY_CAST(b AS int), c::text::varchar(10), d::int[], e::double precision, f::character varying(3) FROM t
