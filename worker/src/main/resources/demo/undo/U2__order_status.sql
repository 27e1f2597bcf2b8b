-- Undo V2.
drop index orders_status;
alter table orders drop column status;
