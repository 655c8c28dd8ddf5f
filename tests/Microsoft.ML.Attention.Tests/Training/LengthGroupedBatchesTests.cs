using Microsoft.ML.Attention.Tests.Estimators;
using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.Attention.Training;

namespace Microsoft.ML.Attention.Tests.Training;

public class LengthGroupedBatchesTests
{
    private static readonly int[] Lengths = Enumerable.Range(0, 1000).Select(i => 10 + (i * 7919 % 250)).ToArray();

    [Fact]
    public void Every_example_is_in_exactly_one_batch_and_batches_are_full_but_for_the_tail_of_a_group()
    {
        var order = Enumerable.Range(0, Lengths.Length).ToArray();
        new Random(3).Shuffle(order);

        var batches = TrainingLoop.LengthGroupedBatches(order, batchSize: 16, new Random(3), i => Lengths[i]);

        Assert.Equal(Enumerable.Range(0, Lengths.Length), batches.SelectMany(b => b).Order());
        Assert.All(batches, b => Assert.InRange(b.Length, 1, 16));
        Assert.True(batches.Count(b => b.Length < 16) <= (Lengths.Length + 16 * TrainingLoop.BatchesPerLengthGroup - 1) / (16 * TrainingLoop.BatchesPerLengthGroup));
    }

    [Fact]
    public void Batches_pad_far_less_than_a_plain_shuffle_and_their_order_is_not_sorted()
    {
        var order = Enumerable.Range(0, Lengths.Length).ToArray();
        new Random(5).Shuffle(order);

        var grouped = TrainingLoop.LengthGroupedBatches(order, batchSize: 16, new Random(5), i => Lengths[i]);
        var plain = order.Chunk(16).ToList();

        // Tokens computed for padding: every row padded to its batch's longest.
        long Padding(IEnumerable<int[]> batches) => batches.Sum(b => (long)b.Length * b.Max(i => Lengths[i]) - b.Sum(i => Lengths[i]));
        Assert.True(Padding(grouped) * 5 < Padding(plain), $"grouped padding {Padding(grouped)}, plain {Padding(plain)}");
        var longest = grouped.Select(b => b.Max(i => Lengths[i])).ToList();
        Assert.NotEqual(longest.OrderByDescending(x => x), longest);   // batches are shuffled, not served longest first
    }

    [Fact]
    public void The_same_seed_gives_the_same_batches()
    {
        List<int[]> Batches()
        {
            var order = Enumerable.Range(0, Lengths.Length).ToArray();
            var random = new Random(11);
            random.Shuffle(order);
            return TrainingLoop.LengthGroupedBatches(order, 16, random, i => Lengths[i]);
        }
        Assert.Equal(Batches().SelectMany(b => b), Batches().SelectMany(b => b));
    }

    [Fact]
    public void Classification_rows_grouped_by_encoded_length_pad_less_than_a_plain_shuffle()
    {
        // What TextClassificationTrainer and MaskedLanguageModelingTrainer hand the loop: the encoded length of each real row.
        var texts = TinyModels.YelpRows(1000).Select(r => r.Text).ToList();
        var tokenizer = TextTokenizer.CreateCharacter(texts);
        int[] lengths = texts.Select(t => BatchEncoder.EncodeRow(tokenizer, t, null, maxLength: 64).Length).ToArray();
        Assert.Equal(texts.Select(t => BatchEncoder.EncodeForEncoder(tokenizer, [t], 64).SequenceLength), lengths);

        var order = Enumerable.Range(0, texts.Count).ToArray();
        new Random(7).Shuffle(order);
        var grouped = TrainingLoop.LengthGroupedBatches(order, batchSize: 16, new Random(7), i => lengths[i]);
        var plain = order.Chunk(16).ToList();

        // The padding each batch's encoding computes: every row padded to its batch's longest (BatchEncoder.EncodeForEncoder).
        long Padding(IEnumerable<int[]> batches) => batches.Sum(b =>
        {
            var batch = BatchEncoder.EncodeForEncoder(tokenizer, b.Select(i => texts[i]).ToList(), 64);
            return (long)batch.BatchSize * batch.SequenceLength - batch.Lengths.Sum();
        });
        Assert.True(Padding(grouped) * 3 < Padding(plain), $"grouped padding {Padding(grouped)}, plain {Padding(plain)}");
    }
}
