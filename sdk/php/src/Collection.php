<?php

namespace LeadNod;

/**
 * One page of a list: $page->data (this page's objects), $page->has_more, $page->next_cursor,
 * and any other field of the list answer ($matches->matched_at). foreach goes through this
 * page; autoPagingIterator() through every object of this page and the ones after it, each
 * page fetched when reached.
 *
 *     foreach ($client->opportunities->all(['limit' => 100])->autoPagingIterator() as $o) { ... }
 *
 * @property LeadNodObject[] $data
 * @property bool $has_more
 * @property string|null $next_cursor
 */
class Collection extends LeadNodObject
{
    /** @var (callable(?string): Collection)|null fetches the page after a cursor */
    private $fetch = null;

    /** @param callable(?string): Collection $fetch */
    public static function page(LeadNodObject $answer, callable $fetch): self
    {
        $page = new self($answer->values);
        $page->values['data'] = $page->values['data'] ?? [];
        $page->values['has_more'] = (bool) ($page->values['has_more'] ?? false);
        $page->values['next_cursor'] = $page->values['next_cursor'] ?? null;
        $page->fetch = $fetch;
        return $page;
    }

    public function hasNextPage(): bool
    {
        return $this->values['has_more'] && (string) $this->values['next_cursor'] !== '';
    }

    /** The following page, or null after the last. */
    public function nextPage(): ?self
    {
        if (!$this->hasNextPage() || $this->fetch === null) {
            return null;
        }
        return ($this->fetch)((string) $this->values['next_cursor']);
    }

    /** @return \Generator<int, Collection> this page and each one after it */
    public function pages(): \Generator
    {
        $page = $this;
        while ($page !== null) {
            yield $page;
            $page = $page->nextPage();
        }
    }

    /** @return \Generator<int, LeadNodObject> every object of every page from this one on */
    public function autoPagingIterator(): \Generator
    {
        foreach ($this->pages() as $page) {
            foreach ($page->values['data'] as $item) {
                yield $item;
            }
        }
    }

    /** @return \ArrayIterator<int, LeadNodObject> this page's objects */
    public function getIterator(): \Traversable
    {
        return new \ArrayIterator($this->values['data']);
    }

    /** How many objects this page holds. */
    public function count(): int
    {
        return count($this->values['data']);
    }

    public function isEmpty(): bool
    {
        return $this->values['data'] === [];
    }
}
