drop table items;
drop table customers;
