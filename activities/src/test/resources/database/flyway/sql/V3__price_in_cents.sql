-- Prices move to integer cents, and e-mail addresses are rewritten in upper case.
alter table items add column price_cents bigint;
update items set price_cents = (price * 100)::bigint;
alter table items alter column price_cents set not null;
alter table items drop column price;

update customers set email = upper(email);
