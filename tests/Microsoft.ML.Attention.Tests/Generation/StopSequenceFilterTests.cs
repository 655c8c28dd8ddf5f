using Microsoft.ML.Attention.Generation;

namespace Microsoft.ML.Attention.Tests.Generation;

public class StopSequenceFilterTests
{
    [Fact]
    public void Text_ends_before_a_stop_sequence_split_across_pieces()
    {
        var filter = new StopSequenceFilter(new[] { "END" });

        Assert.Equal("abc ", filter.Push("abc E"));
        Assert.Equal(string.Empty, filter.Push("N"));
        Assert.Equal(string.Empty, filter.Push("D and more"));
        Assert.True(filter.Stopped);
        Assert.Equal(string.Empty, filter.Push("ignored"));
        Assert.Equal(string.Empty, filter.Flush());
    }

    [Fact]
    public void Held_back_text_is_released_when_it_does_not_complete_a_stop_sequence()
    {
        var filter = new StopSequenceFilter(new[] { "\n\n" });

        Assert.Equal("line", filter.Push("line\n"));
        Assert.Equal("\nnext", filter.Push("next"));
        Assert.Equal("tail", filter.Push("tail\n"));
        Assert.Equal("\n", filter.Flush());
        Assert.False(filter.Stopped);
    }

    [Fact]
    public void Earliest_of_several_stop_sequences_wins()
    {
        var filter = new StopSequenceFilter(new[] { "world", "lo" });

        Assert.Equal("hel", filter.Push("hello world"));
        Assert.True(filter.Stopped);
    }

    [Fact]
    public void Without_stop_sequences_everything_passes_at_once()
    {
        var filter = new StopSequenceFilter(Array.Empty<string>());

        Assert.Equal("any text", filter.Push("any text"));
        Assert.Equal(string.Empty, filter.Flush());
    }
}
