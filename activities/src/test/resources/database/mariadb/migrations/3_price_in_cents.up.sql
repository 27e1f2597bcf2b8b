alter table orders add column price_cents int;
update orders set price_cents = price * 100;
alter table orders drop column price;
