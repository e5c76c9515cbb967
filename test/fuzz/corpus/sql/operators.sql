SELECT a || b, a ~ 'x', a ~* 'x', a !~ 'x', a !~* 'x', a & b, a | b, a # b, a << 2, a >> 1, -a ^ 2, a % b, a != b, a <> b, NOT a = b
