drop table orders;
drop table customers;
