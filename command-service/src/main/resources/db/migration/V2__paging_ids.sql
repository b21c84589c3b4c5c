-- The numeric "id" Zep clients page with. Taken on the command side, after validation, and carried in the
-- creation event, so a rebuilt read model pages exactly like the original. No cache: ids stay dense across restarts.
CREATE SEQUENCE user_paging_id_seq START WITH 1 INCREMENT BY 1 NO CYCLE;
