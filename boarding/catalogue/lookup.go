package catalogue

// System returns the system with the ID, and whether there is one. Like
// every lookup, it finds nothing in a catalogue that is not validated.
func (c *Catalogue) System(id string) (System, bool) {
	if c.idx == nil {
		return System{}, false
	}
	i, ok := c.idx.systems[id]
	if !ok {
		return System{}, false
	}
	return c.Systems[i], true
}

// Resource returns the resource with the key in the system with the ID,
// and whether there is one.
func (c *Catalogue) Resource(systemID, key string) (Resource, bool) {
	if c.idx == nil {
		return Resource{}, false
	}
	i, ok := c.idx.systems[systemID]
	if !ok {
		return Resource{}, false
	}
	j, ok := c.idx.resources[i][key]
	if !ok {
		return Resource{}, false
	}
	return c.Systems[i].Resources[j], true
}

// EquipmentKind returns the equipment kind with the ID, and whether
// there is one.
func (c *Catalogue) EquipmentKind(id string) (EquipmentKind, bool) {
	if c.idx == nil {
		return EquipmentKind{}, false
	}
	i, ok := c.idx.equipment[id]
	if !ok {
		return EquipmentKind{}, false
	}
	return c.Equipment[i], true
}

// JobRole returns the job role with the ID, and whether there is one.
// Its Items are its own; [Catalogue.Items] expands its includes.
func (c *Catalogue) JobRole(id string) (JobRole, bool) {
	if c.idx == nil {
		return JobRole{}, false
	}
	i, ok := c.idx.roles[id]
	if !ok {
		return JobRole{}, false
	}
	return c.JobRoles[i], true
}
