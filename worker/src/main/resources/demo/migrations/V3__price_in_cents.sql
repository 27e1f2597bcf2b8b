-- The bad migration shipped with v2: prices move to integer cents and the old column goes.
-- v2 reads price_cents; anything still reading price breaks, and rounding loses the half cents.
alter table orders add column price_cents integer;
update orders set price_cents = round(price * 100);
alter table orders alter column price_cents set not null;
alter table orders drop column price;
