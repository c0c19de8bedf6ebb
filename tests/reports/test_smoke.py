def test_report_gets_the_next_seq_of_its_room(world, post):
    first = post(world.gr_officer, world.postal)
    second = post(world.bg_officer, world.postal)

    assert (first.seq, second.seq) == (1, 2)
    assert second.country_id == "BG"
