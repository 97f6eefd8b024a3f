"""Racing first messages and racing readers, on a moto backend with DynamoDB's atomicity."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from chalicelib.config import get_settings
from chalicelib.models.common import ListParams
from chalicelib.models.messages import SendMessage
from chalicelib.storage.conversations import ConversationRepository
from chalicelib.wiring import Container

from .conftest import events_for

THREADS = 8


def in_parallel(work, count=THREADS):
    """Run work(i, container) in `count` threads released together; each thread has its own
    container (boto3 resources are not thread-safe), as each Lambda would."""
    containers = [Container(get_settings()) for _ in range(count)]
    for container in containers:
        container.table  # build the boto3 resources before the start line
    barrier = threading.Barrier(count)

    def run(i):
        barrier.wait()
        return work(i, containers[i])
    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def test_concurrent_first_messages_make_exactly_one_conversation(services, atomic_dynamodb,
                                                                  monkeypatch, alice, bob):
    # Make the race certain: every sender looks the pair up (and finds nothing) before any of
    # them writes, so all of them try to create the conversation.
    lookup = ConversationRepository.pair_and_engagement  # a send's first read
    all_looked = threading.Barrier(THREADS)
    looked = threading.local()

    def lookup_then_wait(self, *args, **kwargs):
        found = lookup(self, *args, **kwargs)
        if not getattr(looked, "once", False):
            looked.once = True
            all_looked.wait(timeout=10)
        return found
    monkeypatch.setattr(ConversationRepository, "pair_and_engagement", lookup_then_wait)

    def first_message(i, container):
        sender, recipient = (alice, bob) if i % 2 == 0 else (bob, alice)
        request = SendMessage.model_validate({"recipient_id": recipient.user_id, "body": f"m{i}"})
        return container.messages.send(sender.user_id, request)

    sent = in_parallel(first_message)
    assert len({m.conversation_id for m in sent}) == 1
    conversation = sent[0].conversation_id

    for account in (alice, bob):
        listed = services.conversation_reader.conversations(account.user_id, ListParams()).data
        assert [c.id for c in listed] == [conversation]
        assert listed[0].unread_count == THREADS // 2
        kinds = [e["type"] for e in events_for(services, account.user_id)]
        assert kinds.count("conversation.started") == 1
        assert kinds.count("message.received") == THREADS // 2

    messages = services.conversation_reader.read(alice.user_id, conversation,
                                                 ListParams(limit=100)).data
    assert sorted(m.body for m in messages) == sorted(f"m{i}" for i in range(THREADS))
    # The list's last message is the newest message, whatever order the writes committed in.
    newest = messages[-1]
    listed = services.conversation_reader.conversations(bob.user_id, ListParams()).data[0]
    assert listed.last_message.id == newest.id and listed.last_message.preview == newest.body


def test_concurrent_readers_clear_the_count_once_and_agree_on_read_at(services, atomic_dynamodb,
                                                                      alice, bob):
    for i in range(5):
        request = SendMessage.model_validate({"recipient_id": bob.user_id, "body": f"m{i}"})
        conversation = services.messages.send(alice.user_id, request).conversation_id

    pages = in_parallel(lambda i, container: container.conversation_reader.read(
        bob.user_id, conversation, ListParams()), count=4)
    read_ats = {tuple(m.read_at for m in page.data) for page in pages}
    assert len(read_ats) == 1 and None not in next(iter(read_ats))
    listed = services.conversation_reader.conversations(bob.user_id, ListParams()).data[0]
    assert listed.unread_count == 0
