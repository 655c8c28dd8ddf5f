using Microsoft.ML.Data;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>Reads the anchor, positive and (when named) hard-negative text columns of a data view into memory; missing texts become empty strings.</summary>
internal static class SentencePairReader
{
    public static List<SentencePair> Read(IDataView data, SentencePairColumns columns)
    {
        var anchor = data.Schema[columns.Anchor];
        var positive = data.Schema[columns.Positive];
        var negative = columns.Negative is null ? (DataViewSchema.Column?)null : data.Schema[columns.Negative];
        var read = negative is { } n ? new[] { anchor, positive, n } : [anchor, positive];
        using var cursor = data.GetRowCursor(read.Distinct());
        var anchorGetter = cursor.GetGetter<ReadOnlyMemory<char>>(anchor);
        var positiveGetter = cursor.GetGetter<ReadOnlyMemory<char>>(positive);
        var negativeGetter = negative is { } c ? cursor.GetGetter<ReadOnlyMemory<char>>(c) : null;
        var rows = new List<SentencePair>();
        ReadOnlyMemory<char> a = default, p = default, h = default;
        while (cursor.MoveNext())
        {
            anchorGetter(ref a);
            positiveGetter(ref p);
            negativeGetter?.Invoke(ref h);
            rows.Add(new SentencePair(a.ToString(), p.ToString(), negativeGetter is null ? null : h.ToString()));
        }
        return rows;
    }
}
