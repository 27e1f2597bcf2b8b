delete from orders;
delete from customers;
