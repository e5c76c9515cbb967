SELECT "My Col", "a""b" FROM "Schema"."Table" AS "T"
