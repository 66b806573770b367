#include "curation/manifest_edit_command.h"

#include "curation/manifest_document.h"

namespace tandem {

ManifestEditCommand::ManifestEditCommand(ManifestDocument *document, ManifestEdit edit, const QString &text)
    : QUndoCommand(text), m_document(document), m_edit(std::move(edit))
{
}

void ManifestEditCommand::redo()
{
    m_document->applyEdit(m_edit, true);
}

void ManifestEditCommand::undo()
{
    m_document->applyEdit(m_edit, false);
}

} // namespace tandem
