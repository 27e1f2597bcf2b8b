insert into customers select seq, concat('customer ', seq) from seq_1_to_50;
insert into orders select seq, 1 + seq % 50, 10 + seq % 90 from seq_1_to_500;
