import asyncio

import pytest

from crawler.addresses import AddressGuard, BlockedAddress, is_public


@pytest.mark.parametrize(
    "address", ["127.0.0.1", "10.1.2.3", "192.168.0.1", "169.254.169.254", "::1", "224.0.0.1", "0.0.0.0", "fe80::1"]
)
def test_private_loopback_link_local_and_multicast_are_not_public(address: str) -> None:
    assert not is_public(address)


def test_public_addresses_are_public() -> None:
    assert is_public("8.8.8.8")
    assert is_public("2001:4860:4860::8888")


def test_guard_blocks_loopback_unless_the_host_is_allowed() -> None:
    with pytest.raises(BlockedAddress):
        asyncio.run(AddressGuard().check("127.0.0.1", 80))
    asyncio.run(AddressGuard(allowed_hosts=frozenset({"127.0.0.1"})).check("127.0.0.1", 80))
    asyncio.run(AddressGuard(allow_private=True).check("localhost", 80))


def test_guard_checks_after_resolution() -> None:
    # "localhost" is a name, not an address: the guard must resolve it and still refuse it.
    with pytest.raises(BlockedAddress):
        asyncio.run(AddressGuard(allowed_hosts=frozenset({"127.0.0.1"})).check("localhost", 80))
