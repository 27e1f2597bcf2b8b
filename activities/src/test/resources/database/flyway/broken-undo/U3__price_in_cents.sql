alter table items add column price numeric(10, 2);
update items set price = price_cents / 100.0;
alter table items alter column price set not null;
alter table items drop column price_cents;

update customers set email = lower(email);
