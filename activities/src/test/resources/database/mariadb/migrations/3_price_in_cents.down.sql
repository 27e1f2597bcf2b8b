alter table orders add column price decimal(10, 2);
update orders set price = price_cents / 100;
alter table orders modify price decimal(10, 2) not null;
alter table orders drop column price_cents;
