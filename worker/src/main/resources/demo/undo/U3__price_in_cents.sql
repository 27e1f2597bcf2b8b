-- Undo V3: bring the price column back from the cents, then drop the cents.
alter table orders add column price numeric(10,2);
update orders set price = price_cents / 100.0;
alter table orders alter column price set not null;
alter table orders add constraint orders_price_check check (price >= 0);
alter table orders drop column price_cents;
