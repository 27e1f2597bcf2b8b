create table customers (id int primary key, name varchar(100) not null);
create table orders (
  id int primary key,
  customer_id int not null,
  price decimal(10, 2) not null,
  constraint orders_customer foreign key (customer_id) references customers (id)
);
