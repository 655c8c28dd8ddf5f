using Microsoft.ML.Attention.Tasks;

namespace Microsoft.ML.Attention.Tests.TokenClassification;

public class EntityDecoderTests
{
    [Fact]
    public void Names_of_a_real_sentence_come_out_with_their_text_offsets_and_mean_score()
    {
        // Brown ca01.1 with its NAME column: "The Fulton County Grand Jury said Friday an investigation of Atlanta's recent primary ..."
        var sentence = BrownSample.All[0];
        string[] words = sentence.Fields[0];
        string[] tags = sentence.Fields[2];
        float[] scores = words.Select((_, i) => 0.5f + (i % 4 * 0.1f)).ToArray();
        string text = string.Join(' ', words);

        var entities = EntityDecoder.Decode(words, tags, scores, TagScheme.Iob2);

        Assert.Equal(["Fulton County Grand Jury", "Atlanta's"], entities.Select(e => e.Text));
        Assert.All(entities, e => Assert.Equal("NAME", e.Type));
        Assert.All(entities, e => Assert.Equal(e.Text, text.Substring(e.Start, e.Length)));
        Assert.Equal(4, entities[0].Start);
        Assert.Equal((scores[1] + scores[2] + scores[3] + scores[4]) / 4, entities[0].Score, 6);
        Assert.Equal(scores[10], entities[1].Score, 6);
    }

    [Fact]
    public void Simple_grouping_joins_i_tags_of_one_type_and_splits_at_b_and_at_a_type_change()
    {
        // Hugging Face's 'simple' strategy on IOB2: an I- continues the entity before it when the type is the same; B- always starts one.
        string[] words = ["Hugging", "Face", "Inc.", "is", "in", "New", "York", "City", "Paris", "Berlin"];
        string[] tags = ["B-ORG", "I-ORG", "I-ORG", "O", "O", "B-LOC", "I-LOC", "I-LOC", "B-LOC", "I-PER"];
        var scores = Enumerable.Repeat(1f, words.Length).ToArray();

        var entities = EntityDecoder.Decode(words, tags, scores, TagScheme.Iob2);

        Assert.Equal(
            [("ORG", "Hugging Face Inc.", 0), ("LOC", "New York City", 24), ("LOC", "Paris", 38), ("PER", "Berlin", 44)],
            entities.Select(e => (e.Type, e.Text, e.Start)));
    }

    [Fact]
    public void Bioes_tags_decode_into_their_spans()
    {
        string[] words = ["Ada", "went", "to", "New", "York", "."];
        string[] tags = ["S-PER", "O", "O", "B-LOC", "E-LOC", "O"];

        var entities = EntityDecoder.Decode(words, tags, [0.9f, 1, 1, 0.8f, 0.6f, 1], TagScheme.Bioes);

        Assert.Equal([("PER", "Ada", 0, 3), ("LOC", "New York", 12, 8)], entities.Select(e => (e.Type, e.Text, e.Start, e.Length)));
        Assert.Equal(0.7f, entities[1].Score, 6);
    }

    [Fact]
    public void A_tag_count_that_differs_from_the_word_count_is_an_error()
    {
        Assert.Throws<ArgumentException>(() => EntityDecoder.Decode(["a", "b"], ["O"], [1f, 1f], TagScheme.Iob2));
    }
}
