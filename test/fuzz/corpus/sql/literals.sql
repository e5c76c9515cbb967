SELECT 'it''s', E'tab\there\x41\u00e9', $$dollar ' quoted$$, $tag$ $$ nested $tag$, B'0101', X'1F', 1.5, .5, 1e10, 2E-3, -9223372036854775808, $1, $2
