using Microsoft.ML.Data;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// One output column of a task, declared once: its name, ML.NET type and annotations, and the typed storage and getter of its values.
/// A scorer writes values through the typed subclasses (<see cref="ScalarOutputColumn{T}"/>, <see cref="VectorOutputColumn{T}"/>);
/// the ML.NET layer asks for <see cref="MakeGetter"/> and never looks at a value's type.
/// </summary>
internal abstract class TaskOutputColumn
{
    private protected TaskOutputColumn(string name, DataViewType type, DataViewSchema.Annotations? annotations)
    {
        Name = name;
        Type = type;
        Annotations = annotations ?? DataViewSchema.Annotations.Empty;
    }

    public string Name { get; }
    public DataViewType Type { get; }
    public DataViewSchema.Annotations Annotations { get; }

    /// <summary>The column as ML.NET's schema builders take it.</summary>
    public DataViewSchema.DetachedColumn Detached => new(Name, Type, Annotations);

    /// <summary>Storage for <paramref name="rowCount"/> values of this column.</summary>
    internal abstract OutputValues CreateValues(int rowCount);

    /// <summary>
    /// A <c>ValueGetter</c> of this column's type that reads row <paramref name="row"/>() of <paramref name="values"/>() (both read at
    /// each call, so a cursor can move on to its next window of scored rows).
    /// </summary>
    internal abstract Delegate MakeGetter(Func<OutputValues> values, Func<int> row);
}

/// <summary>The stored values of one output column for a set of scored rows.</summary>
internal abstract class OutputValues
{
}

/// <summary>A scalar output column of representation <typeparamref name="T"/> (e.g. <c>float</c>, <c>bool</c>, <c>uint</c> keys, text).</summary>
internal sealed class ScalarOutputColumn<T> : TaskOutputColumn
{
    public ScalarOutputColumn(string name, DataViewType type, DataViewSchema.Annotations? annotations = null)
        : base(name, type, annotations)
    {
        if (type.RawType != typeof(T))
            throw new ArgumentException($"Column '{name}' is {type} ({type.RawType.Name}); its values were declared as {typeof(T).Name}.", nameof(type));
    }

    internal override OutputValues CreateValues(int rowCount) => new Values(rowCount);

    /// <summary>Sets the value of <paramref name="row"/>.</summary>
    public void Set(ScoredRows rows, int row, T value) => ((Values)rows.ValuesOf(this)).Items[row] = value;

    internal override Delegate MakeGetter(Func<OutputValues> values, Func<int> row) =>
        (ValueGetter<T>)((ref T value) => value = ((Values)values()).Items[row()]);

    private sealed class Values(int rowCount) : OutputValues
    {
        public T[] Items { get; } = new T[rowCount];
    }
}

/// <summary>A vector output column of item representation <typeparamref name="T"/>; the getter fills the caller's buffer (reusing it).</summary>
internal sealed class VectorOutputColumn<T> : TaskOutputColumn
{
    public VectorOutputColumn(string name, VectorDataViewType type, DataViewSchema.Annotations? annotations = null)
        : base(name, type, annotations)
    {
        if (type.ItemType.RawType != typeof(T))
            throw new ArgumentException($"Column '{name}' is {type} (items {type.ItemType.RawType.Name}); its values were declared as {typeof(T).Name}.", nameof(type));
        Size = type.Size;
    }

    /// <summary>The vector length; 0 = each row has its own length.</summary>
    public int Size { get; }

    internal override OutputValues CreateValues(int rowCount) => new Values(rowCount);

    /// <summary>Sets the value of <paramref name="row"/> (the array is kept, not copied; a known-size column checks its length).</summary>
    public void Set(ScoredRows rows, int row, T[] value)
    {
        if (Size > 0 && value.Length != Size)
            throw new InvalidOperationException($"Column '{Name}' holds vectors of {Size} values; a scorer wrote {value.Length}.");
        ((Values)rows.ValuesOf(this)).Items[row] = value;
    }

    internal override Delegate MakeGetter(Func<OutputValues> values, Func<int> row) =>
        (ValueGetter<VBuffer<T>>)((ref VBuffer<T> value) =>
        {
            var source = ((Values)values()).Items[row()];
            var editor = VBufferEditor.Create(ref value, source.Length);   // reuses the caller's arrays when they are large enough
            source.CopyTo(editor.Values);
            value = editor.Commit();
        });

    private sealed class Values(int rowCount) : OutputValues
    {
        public T[][] Items { get; } = new T[rowCount][];
    }
}
