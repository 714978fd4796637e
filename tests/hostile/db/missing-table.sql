DROP TABLE kudos;
