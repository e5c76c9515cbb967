-- leading comment
SELECT /* block /* nested */ comment */ 1 -- trailing
;
