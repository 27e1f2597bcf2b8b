-- Does its damage first, then fails: the whole revert must roll back.
drop index items_customer_idx;
delete from items;
delete from customers;
select 1 / 0;
