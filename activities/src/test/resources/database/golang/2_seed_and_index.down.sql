drop index items_customer_idx;
delete from items;
delete from customers;
