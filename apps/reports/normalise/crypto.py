"""Crypto wallets: Bitcoin (base58, bech32/bech32m), Ethereum (EIP-55), Monero."""

from __future__ import annotations

import hashlib
import re

from Crypto.Hash import keccak

from .base import InvalidSelector

# ---------------------------------------------------------------- crypto wallets

_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58_ALPHABET)}


def b58decode(s: str) -> bytes:
    """Bitcoin base58 decoding (leading '1's are leading zero bytes)."""
    n = 0
    for c in s:
        i = _B58_INDEX.get(c)
        if i is None:
            raise ValueError(f"not a base58 character: {c!r}")
        n = n * 58 + i
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    pad = len(s) - len(s.lstrip("1"))
    return b"\x00" * pad + body


def _sha256d(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def keccak_256(data: bytes) -> bytes:
    """Original Keccak-256 (padding 0x01), as used by Ethereum and Monero.

    Not hashlib.sha3_256: the standard SHA-3 pads differently and gives other digests.
    """
    return keccak.new(digest_bits=256, data=data).digest()


# bech32 / bech32m (BIP 173, BIP 350)
_BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_INDEX = {c: i for i, c in enumerate(_BECH32_CHARSET)}
_BECH32_CONST = 1
_BECH32M_CONST = 0x2BC830A3


def _bech32_polymod(values: list[int]) -> int:
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            if (top >> i) & 1:
                chk ^= gen[i]
    return chk


def _bech32_hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _convertbits(data: list[int], frombits: int, tobits: int) -> list[int] | None:
    acc = bits = 0
    out = []
    maxv = (1 << tobits) - 1
    for value in data:
        acc = (acc << frombits) | value
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            out.append((acc >> bits) & maxv)
    if bits >= frombits or ((acc << (tobits - bits)) & maxv):
        return None
    return out


def _segwit_address(addr: str) -> str:
    """Validate a bech32/bech32m segwit address; returns it lower-cased."""
    if addr != addr.lower() and addr != addr.upper():
        raise InvalidSelector("a bech32 address cannot mix upper and lower case")
    a = addr.lower()
    if len(a) > 90:
        raise InvalidSelector("a bech32 address has at most 90 characters")
    pos = a.rfind("1")
    hrp, data_part = a[:pos], a[pos + 1 :]
    if hrp in ("tb", "bcrt"):
        raise InvalidSelector("this is a Bitcoin testnet address, not a real wallet")
    if hrp != "bc" or len(data_part) < 6:
        raise InvalidSelector("not a valid Bitcoin bech32 address")
    if any(c not in _BECH32_INDEX for c in data_part):
        raise InvalidSelector("a bech32 address has a character outside its alphabet")
    data = [_BECH32_INDEX[c] for c in data_part]
    const = _bech32_polymod(_bech32_hrp_expand(hrp) + data)
    if const not in (_BECH32_CONST, _BECH32M_CONST):
        raise InvalidSelector("Bitcoin address checksum is wrong")
    version = data[0]
    program = _convertbits(data[1:-6], 5, 8)
    if version > 16 or program is None or not 2 <= len(program) <= 40:
        raise InvalidSelector("not a valid Bitcoin segwit address")
    if version == 0 and (len(program) not in (20, 32) or const != _BECH32_CONST):
        raise InvalidSelector("not a valid Bitcoin segwit v0 address")
    if version != 0 and const != _BECH32M_CONST:
        raise InvalidSelector("not a valid Bitcoin segwit address (bech32m expected)")
    return a


def _base58_btc_address(addr: str) -> str:
    if not 26 <= len(addr) <= 35:
        raise InvalidSelector("a Bitcoin address has 26 to 35 characters")
    try:
        raw = b58decode(addr)
    except ValueError:
        raise InvalidSelector("a Bitcoin address has a character outside base58") from None
    if len(raw) != 25:
        raise InvalidSelector("not a valid Bitcoin address")
    if _sha256d(raw[:21])[:4] != raw[21:]:
        raise InvalidSelector("Bitcoin address checksum is wrong")
    if raw[0] in (0x6F, 0xC4):
        raise InvalidSelector("this is a Bitcoin testnet address, not a real wallet")
    if raw[0] not in (0x00, 0x05):  # P2PKH, P2SH
        raise InvalidSelector("not a Bitcoin mainnet address")
    return addr


_ETH_RE = re.compile(r"^0[xX]([0-9a-fA-F]{40})$")


def eip55_checksum_ok(hex40: str) -> bool:
    digest = keccak_256(hex40.lower().encode("ascii")).hex()
    for c, h in zip(hex40, digest, strict=False):
        if c.isalpha() and c.isupper() != (int(h, 16) >= 8):
            return False
    return True


def _eth_address(addr: str) -> str:
    m = _ETH_RE.match(addr)
    if not m:
        raise InvalidSelector("an Ethereum address is 0x followed by 40 hexadecimal digits")
    hex40 = m.group(1)
    mixed = hex40 != hex40.lower() and hex40 != hex40.upper()
    if mixed and not eip55_checksum_ok(hex40):
        raise InvalidSelector("Ethereum address checksum (EIP-55 capitalisation) is wrong")
    return "0x" + hex40.lower()


# Monero base58 encodes 8-byte blocks as 11 characters each; the last, shorter block
# uses the length in this table (index = bytes, value = characters).
_XMR_BLOCK_CHARS = (0, 2, 3, 5, 6, 7, 9, 10, 11)
# network byte: 18 standard (starts with 4), 19 integrated (4), 42 subaddress (8)
_XMR_NETBYTES = {95: (18, 42), 106: (19,)}


def _xmr_b58decode(s: str) -> bytes:
    out = bytearray()
    for off in range(0, len(s), 11):
        block = s[off : off + 11]
        size = _XMR_BLOCK_CHARS.index(len(block)) if len(block) in _XMR_BLOCK_CHARS else -1
        if size <= 0:
            raise ValueError("bad block length")
        n = 0
        for c in block:
            n = n * 58 + _B58_INDEX[c]
        if n >> (8 * size):
            raise ValueError("block overflow")
        out += n.to_bytes(size, "big")
    return bytes(out)


def _xmr_address(addr: str) -> str:
    if len(addr) not in _XMR_NETBYTES:
        raise InvalidSelector("a Monero address has 95 (or 106, integrated) characters")
    if any(c not in _B58_INDEX for c in addr):
        raise InvalidSelector("a Monero address has a character outside base58")
    try:
        raw = _xmr_b58decode(addr)
    except ValueError:
        raise InvalidSelector("not a valid Monero address") from None
    if raw[0] not in _XMR_NETBYTES[len(addr)]:
        raise InvalidSelector("not a Monero mainnet address")
    if keccak_256(raw[:-4])[:4] != raw[-4:]:
        raise InvalidSelector("Monero address checksum is wrong")
    return addr


_WALLET_SCHEMES = {
    "btc": "btc", "bitcoin": "btc",
    "eth": "eth", "ethereum": "eth",
    "xmr": "xmr", "monero": "xmr",
}  # fmt: skip


def _crypto_wallet(value: str) -> str:
    v = value.strip()
    chain_hint = None
    # "btc:..."/"eth:..."/"xmr:..." (our own output) and BIP21-style URIs "bitcoin:...?amount="
    m = re.match(r"^([A-Za-z]+):(?://)?(.*)$", v)
    if m and m.group(1).lower() in _WALLET_SCHEMES:
        chain_hint = _WALLET_SCHEMES[m.group(1).lower()]
        v = re.split(r"[?#/]", m.group(2), maxsplit=1)[0].strip()
    if not v:
        raise InvalidSelector("wallet address is empty")
    if v[:2] in ("0x", "0X"):
        chain = "eth"
        out = _eth_address(v)
    elif v[:3].lower() in ("bc1", "tb1") or v[:5].lower() == "bcrt1":
        chain = "btc"
        out = _segwit_address(v)
    elif len(v) in _XMR_NETBYTES and v[0] in "48":
        chain = "xmr"
        out = _xmr_address(v)
    elif v[0] in "123mn" and 26 <= len(v) <= 35:
        chain = "btc"
        out = _base58_btc_address(v)
    else:
        raise InvalidSelector("not a recognised wallet address (Bitcoin, Ethereum or Monero)")
    if chain_hint and chain_hint != chain:
        raise InvalidSelector(f"this is not a {chain_hint} address")
    return f"{chain}:{out}"
