SET search_path TO 'a', public; SET LOCAL threads = 4; SET TIME ZONE 'UTC'; RESET ALL; RESET threads
