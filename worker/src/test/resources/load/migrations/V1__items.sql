create table items (id int primary key, name text not null);
insert into items select i, 'item-' || i from generate_series(1, 100) i;
