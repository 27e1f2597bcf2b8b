-- The shop's orders.
create table orders (
    id        bigserial primary key,
    customer  text          not null,
    item      text          not null,
    price     numeric(10,2) not null check (price >= 0),
    placed_at timestamptz   not null default now()
);
insert into orders (customer, item, price, placed_at)
select 'customer-' || (i % 97), 'item-' || (i % 13), round((5 + (i % 50) * 1.25)::numeric, 2),
       timestamptz '2026-11-01 00:00:00+00' + i * interval '7 minutes'
from generate_series(1, 5000) i;
