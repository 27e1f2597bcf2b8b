alter table items add column price int not null default 1;
