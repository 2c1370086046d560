DROP TABLE automation_timed_firings;
