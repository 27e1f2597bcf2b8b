insert into customers
select g, 'customer ' || g, 'c' || g || '@example.com' from generate_series(1, 200) g;

insert into items
select g, 1 + (g % 200), 'item ' || g, (g % 97) + 0.99 from generate_series(1, 1000) g;

create index items_customer_idx on items (customer_id);
