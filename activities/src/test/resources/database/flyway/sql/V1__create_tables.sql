create table customers (
  id bigint primary key,
  name text not null,
  email text not null
);

create table items (
  id bigint primary key,
  customer_id bigint not null references customers (id),
  name text not null,
  price numeric(10, 2) not null
);
