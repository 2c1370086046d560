DROP TABLE default_managers;
--bun:split
DROP TRIGGER queues_members_sync ON queues;
--bun:split
DROP FUNCTION queue_members_sync();
--bun:split
DROP TABLE queue_rr, queue_members;
--bun:split
ALTER TABLE queues DROP COLUMN assignment, DROP COLUMN max_per_agent, DROP COLUMN member_ids;
