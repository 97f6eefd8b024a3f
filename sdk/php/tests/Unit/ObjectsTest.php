<?php

namespace LeadNod\Tests\Unit;

use LeadNod\Collection;
use LeadNod\LeadNodClient;
use LeadNod\LeadNodObject;
use PHPUnit\Framework\TestCase;

final class ObjectsTest extends TestCase
{
    public function test_fields_read_as_properties_and_keys_and_new_ones_are_kept(): void
    {
        $user = LeadNodObject::constructFrom(json_decode('{"id":"usr_1","email":"a@b.c",'
            . '"profile":{"website":"https://acme.com","skills":["x"]},"added_in_2030":{"k":1},"tags":[]}'));
        self::assertSame('usr_1', $user->id);
        self::assertSame('a@b.c', $user['email']);
        self::assertSame('https://acme.com', $user->profile->website);
        self::assertSame(['x'], $user['profile']['skills']);
        self::assertSame(1, $user->added_in_2030->k);
        self::assertNull($user->not_in_this_answer);
        self::assertFalse(isset($user['not_in_this_answer']));
        self::assertSame(['id' => 'usr_1', 'email' => 'a@b.c',
            'profile' => ['website' => 'https://acme.com', 'skills' => ['x']],
            'added_in_2030' => ['k' => 1], 'tags' => []], $user->toArray());
        self::assertSame('{"k":1}', json_encode($user->added_in_2030));
        self::assertSame('{}', json_encode(new LeadNodObject()));
    }

    public function test_an_object_passed_back_in_is_sent_as_its_fields(): void
    {
        $http = new FakeHttp([FakeHttp::json(201, ['id' => 'opp_2'])]);
        $client = new LeadNodClient(['client_id' => 'c', 'client_secret' => 's', 'http_client' => $http]);
        $range = LeadNodObject::constructFrom((object) ['min' => 1, 'max' => 2]);
        $client->opportunities->create(['title' => 'T', 'base_salary_range' => $range,
            'starts' => new \DateTimeImmutable('2026-01-02T03:04:05Z')]);
        self::assertSame('{"title":"T","base_salary_range":{"min":1,"max":2},"starts":"2026-01-02T03:04:05+00:00"}',
            $http->requests[0]['body']);
    }

    public function test_auto_paging_follows_cursors_to_the_last_page(): void
    {
        $http = new FakeHttp([
            FakeHttp::json(200, ['data' => [['id' => 'a'], ['id' => 'b']], 'has_more' => true, 'next_cursor' => 'c1',
                'matched_at' => '2026-01-01T00:00:00Z']),
            FakeHttp::json(200, ['data' => [['id' => 'c']], 'has_more' => false, 'next_cursor' => null]),
        ]);
        $client = new LeadNodClient(['client_id' => 'c', 'client_secret' => 's', 'http_client' => $http]);
        $page = $client->opportunities->all(['limit' => 2, 'status' => 'open']);
        self::assertInstanceOf(Collection::class, $page);
        self::assertCount(2, $page);
        self::assertTrue($page->has_more);
        self::assertSame('2026-01-01T00:00:00Z', $page->matched_at);
        self::assertSame(['a', 'b'], array_map(static function ($o) {
            return $o->id;
        }, iterator_to_array($page)));
        $ids = [];
        foreach ($page->autoPagingIterator() as $opportunity) {
            $ids[] = $opportunity->id;
        }
        self::assertSame(['a', 'b', 'c'], $ids);
        self::assertSame('https://api.leadnod.com/v1/opportunities?limit=2&status=open&cursor=c1',
            $http->requests[1]['url']);
    }
}
